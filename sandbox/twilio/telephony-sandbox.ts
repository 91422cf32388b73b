// The telephony half of the sandbox: the Twilio and ElevenLabs emulators playing every hotel in the
// store by its `sandboxProfile` (looked up by the number called), sending webhooks to our API.
import type { Config } from '../../config';
import type { Store } from '../../adapters/mongo/store';
import { phoneProfile, UnknownProfileError, type PhoneProfile } from '../profiles/phone';
import { startTwilioEmulator, type TwilioEmulator } from './emulator';
import { startElevenLabsEmulator, type ElevenLabsEmulator, type ElevenLabsEmulatorOptions } from '../elevenlabs/emulator';

export interface TelephonySandbox {
  twilio: TwilioEmulator;
  eleven: ElevenLabsEmulator;
  stop(): Promise<void>;
}

/** Needs TWILIO_ACCOUNT_SID/AUTH_TOKEN and ELEVENLABS_WEBHOOK_SECRET (the sandbox defaults set them) and PUBLIC_BASE_URL. */
export async function startTelephonySandbox(opts: {
  config: Config;
  store: Store;
  twilioPort: number;
  elevenLabsPort: number;
  timeScale?: number;
  onStaffReply?: ElevenLabsEmulatorOptions['onStaffReply'];
}): Promise<TelephonySandbox> {
  const { config, store } = opts;
  const need = (['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'ELEVENLABS_WEBHOOK_SECRET', 'PUBLIC_BASE_URL'] as const).filter((k) => !config[k]);
  if (need.length) throw new Error(`the telephony sandbox needs ${need.join(', ')}`);

  // A hotel's profile is read when its phone is called, so hotels added while running are played too.
  const byPhone = async (phone: string): Promise<PhoneProfile> => {
    const hotel = await store.hotels.byPhone(phone);
    if (!hotel) throw new UnknownProfileError(`no hotel has the number ${phone}`);
    if (!hotel.sandboxProfile) throw new UnknownProfileError(`hotel at ${phone} has no sandboxProfile`);
    return phoneProfile(hotel.sandboxProfile);
  };
  const twilio = await startTwilioEmulator({
    accountSid: config.TWILIO_ACCOUNT_SID!,
    authToken: config.TWILIO_AUTH_TOKEN!,
    port: opts.twilioPort,
    timeScale: opts.timeScale,
    profileFor: byPhone,
  });
  const eleven = await startElevenLabsEmulator({
    apiKey: config.ELEVENLABS_API_KEY,
    webhookSecret: config.ELEVENLABS_WEBHOOK_SECRET!,
    port: opts.elevenLabsPort,
    timeScale: opts.timeScale,
    postCallUrl: () => `${config.PUBLIC_BASE_URL!.replace(/\/+$/, '')}/v1/webhooks/elevenlabs/post-call`,
    profileFor: (vars) => byPhone(String(vars.hotel_phone ?? '')),
    onStaffReply: opts.onStaffReply,
  });
  return {
    twilio,
    eleven,
    stop: async () => {
      await Promise.all([twilio.stop(), eleven.stop()]);
    },
  };
}
