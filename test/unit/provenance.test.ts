import { describe, expect, it } from 'vitest';
import { startedBy } from '../../harness/runner/provenance.ts';
import { provenanceLine } from '../../harness/report/provenance-text.ts';

describe('provenance', () => {
  it("takes the job and pipeline from GitLab's own variables", () => {
    expect(startedBy({ GITLAB_CI: 'true', CI_JOB_URL: 'https://gitlab.example/g/p/-/jobs/7', CI_PIPELINE_URL: 'https://gitlab.example/g/p/-/pipelines/3', GITLAB_USER_LOGIN: 'rm' })).toEqual({
      ci: 'gitlab', jobUrl: 'https://gitlab.example/g/p/-/jobs/7', pipeline: 'https://gitlab.example/g/p/-/pipelines/3', user: 'rm',
    });
  });

  it("builds the run's URL from GitHub's variables", () => {
    const by = startedBy({ GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2', GITHUB_JOB: 'shard', GITHUB_ACTOR: 'me' });
    expect(by).toEqual({ ci: 'github', jobUrl: 'https://github.com/o/r/actions/runs/42/attempts/2#shard', pipeline: 'https://github.com/o/r/actions/runs/42', user: 'me' });
  });

  it('names the user on a workstation', () => {
    const by = startedBy({});
    expect(by.ci).toBeNull();
    expect(by.jobUrl).toBeNull();
  });

  it('reads as one line with the version, host, job, matrix and digests', () => {
    const line = provenanceLine({
      harnessVersion: '1.2.3', node: 'v24.1.0', host: { name: 'runner-9', cores: 8 },
      startedBy: { ci: 'gitlab', jobUrl: 'https://gl/jobs/7', pipeline: 'https://gl/pipelines/3', user: null },
      matrixFile: 'matrices/nightly.yaml', matrixDigest: 'sha256:0123456789abcdef', scenarioDigest: 'sha256:fedcba9876543210', selection: { only: null, shard: '2/4' },
    });
    expect(line).toBe('upgrade-harness 1.2.3 on Node v24.1.0, host runner-9 (8 cores), started by gitlab job https://gl/jobs/7, pipeline https://gl/pipelines/3; matrix matrices/nightly.yaml (0123456789ab), scenario fedcba987654; shard 2/4');
  });
});
