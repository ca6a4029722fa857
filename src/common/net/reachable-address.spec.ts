import { AllowedNetworks, isPublic } from './reachable-address';

describe('where a copy may be sent', () => {
  it('takes global unicast addresses as public, and nothing private, loopback, link-local, shared or mapped into them', () => {
    for (const a of ['8.8.8.8', '203.0.114.7', '2001:4860:4860::8888']) expect([a, isPublic(a)]).toEqual([a, true]);
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
    ])
      expect([a, isPublic(a)]).toEqual([a, false]);
  });

  it('lets through only the networks it is given, besides public addresses', () => {
    const none = new AllowedNetworks(undefined);
    expect([none.reachable('127.0.0.1'), none.reachable('8.8.8.8')]).toEqual([false, true]);
    const loopback = new AllowedNetworks(' 127.0.0.1/32 , fd00::/8');
    expect([loopback.reachable('127.0.0.1'), loopback.reachable('127.0.0.2'), loopback.reachable('fd12::1'), loopback.reachable('10.0.0.1')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });
});
