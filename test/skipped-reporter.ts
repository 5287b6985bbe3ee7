import type { Reporter, TestModule } from 'vitest/node';

/**
 * Names every skipped test and why, after the run: the default reporter folds passing files into one
 * line, so a test skipped for a missing tool (test/tools.ts) would otherwise go unseen.
 */
export default class SkippedReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        const note = (result.state === 'skipped' ? result.note : undefined) ?? 'no reason given';
        lines.push(`  ${module.relativeModuleId} > ${test.fullName} [${note}]`);
      }
    }
    if (lines.length === 0) return;
    process.stdout.write(`\nSkipped tests (${lines.length}):\n${lines.join('\n')}\n`);
  }
}
