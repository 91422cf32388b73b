// The sandbox process of `npm start`: simulated hotels behind the vendors' real protocols — the SMTP
// server and Dovecot IMAP (our inbox), the Twilio REST emulator (calls, menus, machines, signed
// webhooks, media streams) and the ElevenLabs agent emulator (the hotel's staff) — and the demo
// hotels seeded into the hotels collection. A hotel that agrees on the phone emails its folio later.
import { loadConfig } from '../config';
import { logger } from '../config/logger';
import { Store } from '../adapters/mongo/store';
import { startSandboxMail } from './mail/run';
import { startTelephonySandbox } from './twilio/telephony-sandbox';
import { demoHotels } from './hotels/demo';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.MODE !== 'sandbox') throw new Error('the sandbox runs only with MODE=sandbox');
  const store = await Store.forConfig(config);
  await store.ensureIndexes();
  for (const { expect: _expect, ...hotel } of demoHotels()) {
    // keep what a hotel learned (IVR path, statistics) across restarts; reset everything else
    const existing = await store.hotels.get(hotel.hotelId);
    await store.hotels.upsert({ ...hotel, ivrPath: existing?.ivrPath ?? hotel.ivrPath, stats: existing?.stats ?? hotel.stats });
  }

  const delay = process.env.SANDBOX_REPLY_DELAY_SECONDS;
  const mail = await startSandboxMail({ config, store, delayMs: delay === undefined ? undefined : Number(delay) * 1000 });
  const telephony = await startTelephonySandbox({
    config,
    store,
    twilioPort: Number(process.env.SANDBOX_TWILIO_PORT ?? 8931),
    elevenLabsPort: Number(process.env.SANDBOX_ELEVENLABS_PORT ?? 8932),
    onStaffReply: (vars, guest, reply) => {
      if (reply.kind !== 'agreed') return;
      void (async () => {
        const hotel = await store.hotels.byPhone(String(vars.hotel_phone ?? ''));
        const frontDesk = hotel?.emails[0];
        if (!frontDesk || !guest.check_in || !guest.check_out) return;
        mail.responder.sendPromised(frontDesk, String(vars.reply_email), [
          { guestName: guest.guest_name, confirmationNumber: guest.confirmation_number, checkIn: guest.check_in, checkOut: guest.check_out },
        ]);
      })().catch((err: unknown) => logger.warn({ err: String(err) }, 'simulated hotel could not send its promised folio'));
    },
  });
  logger.info({ twilio: telephony.twilio.baseUrl, elevenlabs: telephony.eleven.baseUrl, smtp: mail.mail.smtpPort, imap: mail.mail.imapPort, hotels: demoHotels().length }, 'sandbox up');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await telephony.stop();
  await mail.stop();
  await store.close();
  logger.info('sandbox stopped');
}

main().catch((err: unknown) => {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'sandbox failed');
  process.exit(1);
});
