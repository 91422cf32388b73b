// The ElevenLabs adapter: the SDK client (REST: signed URLs, agents, webhook checks) and the URL of
// the Conversational AI socket the media bridge opens. ELEVENLABS_BASE_URL points both at the emulator.
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import type { Config } from '../../config';

const DEFAULT_BASE = 'https://api.elevenlabs.io';

export function elevenLabsClient(config: Config): ElevenLabsClient {
  return new ElevenLabsClient({ apiKey: config.ELEVENLABS_API_KEY ?? 'unset', baseUrl: config.ELEVENLABS_BASE_URL ?? DEFAULT_BASE, maxRetries: 2, timeoutInSeconds: 10 });
}

export class AgentConfigError extends Error {
  override name = 'AgentConfigError';
}

/** The socket URL for one conversation: a signed URL when we hold an API key (private agents), else the public one. */
export async function conversationUrl(config: Config, client: ElevenLabsClient = elevenLabsClient(config)): Promise<string> {
  const agentId = config.ELEVENLABS_AGENT_ID;
  if (!agentId) throw new AgentConfigError('the voice agent needs ELEVENLABS_AGENT_ID (run scripts/elevenlabs-agent.ts to create it)');
  if (config.ELEVENLABS_API_KEY) {
    const { signedUrl } = await client.conversationalAi.conversations.getSignedUrl({ agentId });
    return signedUrl;
  }
  const base = (config.ELEVENLABS_BASE_URL ?? DEFAULT_BASE).replace(/^http/, 'ws').replace(/\/+$/, '');
  return `${base}/v1/convai/conversation?agent_id=${encodeURIComponent(agentId)}`;
}
