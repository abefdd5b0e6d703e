import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'sqlite:./data/concordo.db',
      baseUrl: 'http://localhost:3000',
      campaignPeriod: true,
      seedDemo: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('stops on a bad value, naming the variable and what it must be', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: must be a port number \(got "eighty"\)/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT: must be between 0 and 65535/);
    expect(() => loadConfig({ CAMPAIGN_PERIOD: 'maybe' })).toThrow(/CAMPAIGN_PERIOD: must be true or false/);
    expect(() => loadConfig({ BASE_URL: 'not a url' })).toThrow(/BASE_URL: must be an absolute http\(s\) URL/);
    expect(() => loadConfig({ NODE_ENV: 'staging' })).toThrow(/NODE_ENV/);
  });

  it('never echoes a database address, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://admin:s3cret@db/x' })).toThrow(/DATABASE_URL: must start with sqlite: or postgres:\/\//);
    try {
      loadConfig({ DATABASE_URL: 'mysql://admin:s3cret@db/x' });
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
    }
  });

  it('reads flags and treats empty values as unset', () => {
    expect(loadConfig({ CAMPAIGN_PERIOD: 'false', SEED_DEMO: '0', PORT: '' })).toMatchObject({
      campaignPeriod: false,
      seedDemo: false,
      port: 3000,
    });
    expect(loadConfig({ BASE_URL: 'https://concordo.example.org/' }).baseUrl).toBe('https://concordo.example.org');
  });

  it('runs one server process unless WORKERS asks for more, `auto` being one per CPU', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ WORKERS: 'auto' }).workers).toBe(availableParallelism());
    expect(() => loadConfig({ WORKERS: '0' })).toThrow(/WORKERS: must be auto or a number from 1 to 64/);
    expect(() => loadConfig({ WORKERS: 'many' })).toThrow(/WORKERS: must be auto or a number from 1 to 64/);
  });
});
