import { isPublic } from '../../common/net/reachable-address';
import { endpointProblem } from './transfer-endpoint';

describe('endpointProblem (where a copy may be sent)', () => {
  const resolvesTo =
    (...addresses: string[]) =>
    () =>
      Promise.resolve(addresses);

  it('accepts an HTTPS address on a public IP or a name resolving only to public addresses', async () => {
    await expect(endpointProblem('https://203.0.114.7/inbox', resolvesTo())).resolves.toBeNull();
    await expect(endpointProblem('https://handler.example.cn/portability', resolvesTo('8.8.8.8', '2001:4860:4860::8888'))).resolves.toBeNull();
  });

  it('refuses anything but HTTPS, and credentials in the address', async () => {
    await expect(endpointProblem('http://handler.example.cn/', resolvesTo('8.8.8.8'))).resolves.toBe('not_https');
    await expect(endpointProblem('ftp://handler.example.cn/', resolvesTo('8.8.8.8'))).resolves.toBe('not_https');
    await expect(endpointProblem('https://user:secret@handler.example.cn/', resolvesTo('8.8.8.8'))).resolves.toBe('credentials_in_url');
  });

  it.each([
    'https://127.0.0.1/',
    'https://10.1.2.3/',
    'https://172.16.0.1/',
    'https://192.168.1.1/',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/',
    'https://0.0.0.0/',
    'https://[::1]/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://[::ffff:10.0.0.1]/',
    'https://localhost/',
    'https://api.localhost/',
    'https://printer.local/',
    'https://intranet/',
  ])('refuses a private or local address: %s', async (url) => {
    await expect(endpointProblem(url, resolvesTo('8.8.8.8'))).resolves.toBe('private_address');
  });

  it('refuses a public-looking name that resolves to a private address', async () => {
    await expect(endpointProblem('https://rebind.example.com/', resolvesTo('8.8.8.8', '10.0.0.5'))).resolves.toBe('private_address');
  });

  it('takes a name that does not resolve now as it is (the sender checks again when it connects)', async () => {
    await expect(endpointProblem('https://not-yet.example.org/', () => Promise.reject(new Error('ENOTFOUND')))).resolves.toBeNull();
  });

  it('classifies IPv4 inside IPv6 by the IPv4 address', () => {
    expect(isPublic('::ffff:8.8.8.8')).toBe(true);
    expect(isPublic('::ffff:192.168.0.1')).toBe(false);
  });
});
