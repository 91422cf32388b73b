// Creates or updates the voice agent from agent/ (prompt, tools, data collection) through the
// ElevenLabs API. The files are in the API's own wire format; the SDK's serializer checks them
// strictly (an unknown or misspelt field fails here, not silently on the server).
//   npx tsx scripts/elevenlabs-agent.ts [--dry-run]
// Uses ELEVENLABS_API_KEY, ELEVENLABS_BASE_URL (the sandbox emulator) and ELEVENLABS_AGENT_ID (update that agent).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import * as serialization from '@elevenlabs/elevenlabs-js/serialization';
import type { BodyCreateAgentV1ConvaiAgentsCreatePost } from '@elevenlabs/elevenlabs-js/api/resources/conversationalAi/resources/agents/client/requests';
import { loadConfig } from '../config';
import { elevenLabsClient } from '../adapters/telephony/elevenlabs';

export const AGENT_DIR = path.resolve(__dirname, '..', 'agent');

export class AgentDefinitionError extends Error {
  override name = 'AgentDefinitionError';
}

/** agent.json + prompt.md + tools/*.json, in the wire format (snake_case). */
export function agentWireDefinition(dir = AGENT_DIR): Record<string, unknown> {
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  const def = JSON.parse(read('agent.json')) as { conversation_config: { agent: { prompt: Record<string, unknown> } } };
  const tools = readdirSync(path.join(dir, 'tools'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(read(path.join('tools', f))) as unknown);
  def.conversation_config.agent.prompt = { ...def.conversation_config.agent.prompt, prompt: read('prompt.md'), tools };
  return def;
}

/** The SDK request, parsed strictly from the wire definition. */
export function agentRequest(dir = AGENT_DIR): BodyCreateAgentV1ConvaiAgentsCreatePost {
  const parsed = serialization.conversationalAi.BodyCreateAgentV1ConvaiAgentsCreatePost.parse(agentWireDefinition(dir), { unrecognizedObjectKeys: 'fail' });
  if (!parsed.ok) throw new AgentDefinitionError(`agent/ is not a valid agent: ${parsed.errors.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);
  return parsed.value;
}

/** Updates the given agent, or the one with our name, or creates it. Returns its id. */
export async function upsertAgent(client: ElevenLabsClient, agentId?: string, dir = AGENT_DIR): Promise<{ agentId: string; created: boolean }> {
  const request = agentRequest(dir);
  let id = agentId;
  if (!id && request.name) {
    const { agents } = await client.conversationalAi.agents.list({ search: request.name });
    id = agents.find((a) => a.name === request.name)?.agentId;
  }
  if (id) {
    try {
      await client.conversationalAi.agents.update(id, { name: request.name, tags: request.tags, conversationConfig: request.conversationConfig, platformSettings: request.platformSettings });
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) throw new AgentDefinitionError(`agent ${id} does not exist; unset ELEVENLABS_AGENT_ID to create a new one`);
      throw e;
    }
    return { agentId: id, created: false };
  }
  const created = await client.conversationalAi.agents.create(request);
  return { agentId: created.agentId, created: true };
}

async function main() {
  if (process.argv.includes('--dry-run')) {
    console.log(JSON.stringify(agentWireDefinition(), null, 2));
    agentRequest();
    return;
  }
  const config = loadConfig();
  if (!config.ELEVENLABS_API_KEY) throw new AgentDefinitionError('ELEVENLABS_API_KEY is required');
  const { agentId, created } = await upsertAgent(elevenLabsClient(config), config.ELEVENLABS_AGENT_ID);
  console.log(`${created ? 'created' : 'updated'} agent ${agentId}${created ? `\nset ELEVENLABS_AGENT_ID=${agentId}` : ''}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
