// The voice agent's definition (agent/) goes through the real ElevenLabs SDK to the emulator: created
// once, then updated in place; its tool schema matches what the media bridge accepts.
import assert from 'node:assert/strict';
import { mkdtempSync, cpSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import { startElevenLabsEmulator, type ElevenLabsEmulator } from '../../sandbox/elevenlabs/emulator';
import { phoneProfile } from '../../sandbox/profiles/phone';
import { AGENT_DIR, agentRequest, upsertAgent } from '../../scripts/elevenlabs-agent';
import { parseFolioOutcome } from '../../adapters/telephony/agent-tools';

describe('telephony: voice agent definition', function () {
  this.timeout(30_000);
  let eleven: ElevenLabsEmulator;
  let client: ElevenLabsClient;
  before(async () => {
    eleven = await startElevenLabsEmulator({ apiKey: 'sk_agent_test', webhookSecret: 'unused', profileFor: () => phoneProfile('person-agree') });
    client = new ElevenLabsClient({ apiKey: 'sk_agent_test', baseUrl: eleven.baseUrl, maxRetries: 0 });
  });
  after(async () => eleven?.stop());

  it('creates the agent, then updates the same one', async () => {
    const first = await upsertAgent(client);
    assert.equal(first.created, true);
    const stored = eleven.agents().get(first.agentId) as { conversation_config: { agent: { prompt: { prompt: string; tools: { name: string }[] } }; tts: { agent_output_audio_format: string }; asr: { user_input_audio_format: string } }; platform_settings: { data_collection: Record<string, unknown> } };
    assert.deepEqual(stored.conversation_config.agent.prompt.tools.map((t) => t.name), ['end_call', 'record_folio_outcome']);
    assert.match(stored.conversation_config.agent.prompt.prompt, /\{\{reply_email\}\}/);
    assert.equal(stored.conversation_config.tts.agent_output_audio_format, 'ulaw_8000');
    assert.equal(stored.conversation_config.asr.user_input_audio_format, 'ulaw_8000');
    assert.ok(stored.platform_settings.data_collection.hotel_email);

    const second = await upsertAgent(client);
    assert.deepEqual(second, { agentId: first.agentId, created: false });
    assert.equal(eleven.agents().size, 1);
    await assert.rejects(upsertAgent(client, 'agent_missing'), /agent agent_missing does not exist; unset ELEVENLABS_AGENT_ID/);
  });

  it('refuses a definition with a misspelt field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'folio-agent-'));
    try {
      cpSync(AGENT_DIR, dir, { recursive: true });
      const def = JSON.parse(readFileSync(path.join(dir, 'agent.json'), 'utf8'));
      def.conversation_config.tts.agent_output_audio_fromat = 'ulaw_8000';
      writeFileSync(path.join(dir, 'agent.json'), JSON.stringify(def));
      assert.throws(() => agentRequest(dir), /agent_output_audio_fromat/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every outcome the tool offers is one the bridge accepts', () => {
    const tool = JSON.parse(readFileSync(path.join(AGENT_DIR, 'tools', 'record_folio_outcome.json'), 'utf8'));
    for (const outcome of tool.parameters.properties.outcome.enum as string[]) {
      const r = parseFolioOutcome({ folio_id: 'f1', confirmation_number: 'C1', outcome });
      assert.equal(r.outcome.kind, outcome);
    }
    assert.throws(() => parseFolioOutcome({ outcome: 'agreed' }), /folio_id or confirmation_number/);
    assert.throws(() => parseFolioOutcome({ folio_id: 'f1', outcome: 'maybe' }), /outcome/);
    assert.throws(() => parseFolioOutcome({ folio_id: 'f1', outcome: 'agreed', email: 'not an email' }), /email/);
  });
});
