// A vitest reporter for the mutation runs only (vitest.mutation*.config.ts). StrykerJS's vitest
// runner (9.6.1) builds each mutant's result from the tests vitest collected, and a test file whose
// module code throws (an import, or a `describe` body building a chain the mutant broke) collects
// none: the mutant is scored Survived although the suite fails (stryker-js#6150). This reporter
// gives such a file one failed test carrying its load error, so the mutant counts as killed.
// A file that loaded is left exactly as vitest reported it.
import type { RunnerTestCase, RunnerTestFile } from 'vitest';
import type { Reporter, TestModule } from 'vitest/node';

export default class LoadFailures implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    for (const module of testModules) {
      // The raw task tree Stryker reads (`ctx.state.getFiles()`), behind the reported module.
      const file = (module as unknown as { task: RunnerTestFile }).task;
      if (file.result?.state !== 'fail' || file.tasks.length > 0) continue;
      file.tasks.push({
        type: 'test',
        id: `${file.id}_load`,
        name: 'loads',
        mode: 'run',
        file,
        suite: file,
        result: { state: 'fail', errors: file.result.errors ?? [] },
        meta: {},
        timeout: 0,
        annotations: [],
        artifacts: [],
        context: undefined as never,
      } as unknown as RunnerTestCase);
    }
  }
}
