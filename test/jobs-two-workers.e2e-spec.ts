import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { NotificationDeliverer } from '../src/notifications/notification-deliverer';
import { NotificationKind } from '../src/notifications/notification-kind';
import { NotificationsService } from '../src/notifications/notifications.service';
import { SmtpPeer, startSmtpPeer } from './support/smtp-peer';
import { createTestApp, TestApp } from './support/test-app';

/**
 * Two portal processes on one database, both working the queue: every notice is delivered
 * exactly once, whichever of them runs the delivery job.
 */
describe('jobs: two apps working one queue', () => {
  let t: TestApp;
  let second: INestApplicationContext;
  let peer: SmtpPeer;

  beforeAll(async () => {
    // A slow mail server, so that delivery runs overlap.
    peer = await startSmtpPeer({ delayMs: 100 });
    t = await createTestApp({ WORKER_MODE: 'inline', SMTP_URL: peer.url, NOTIFICATIONS_POLL_SECONDS: '1', PUBLIC_URL: 'https://privacy.example.cn' });
    // Same settings, same DATABASE_URL (createTestApp put them in the environment).
    const { AppModule } = await import('../src/app.module');
    second = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
    await peer?.close();
  });

  it('delivers every notice once when both apps deliver', async () => {
    const sentBy = [0, 0];
    [t.app, second].forEach((app, i) => {
      const deliverer = app.get(NotificationDeliverer);
      const deliverDue = deliverer.deliverDue.bind(deliverer);
      deliverer.deliverDue = async (options) => {
        const report = await deliverDue(options);
        sentBy[i] += report.sent;
        return report;
      };
    });
    const users = [await t.user(), await t.user(), await t.user()];
    const ids = await t.dataSource.transaction(async (m) => {
      const out: string[] = [];
      for (let i = 0; i < 30; i++) {
        for (const u of users) {
          out.push(
            (await t.app
              .get(NotificationsService)
              .enqueue(m, { userId: u.id, kind: NotificationKind.RequestReceived, data: { requestId: randomUUID(), requestType: 'access' } })) as string,
          );
        }
      }
      return out;
    });

    await peer.waitFor(90, 45000);
    await new Promise((r) => setTimeout(r, 1500)); // a duplicate, if any, would arrive now
    const [{ sent }] = await t.dataSource.query(`SELECT count(*)::int AS sent FROM notifications WHERE id = ANY($1) AND status = 'sent' AND attempts = 1`, [
      ids,
    ]);
    expect(sent).toBe(90);
    expect(peer.received).toHaveLength(90);
    expect(new Set(peer.received.map((m) => m.messageId)).size).toBe(90);
    expect(sentBy[0] + sentBy[1]).toBe(90);
    // both apps took part
    expect(sentBy[0]).toBeGreaterThan(0);
    expect(sentBy[1]).toBeGreaterThan(0);
  }, 60000);
});
