// Reports are written whole or not at all: a half-written results.json would break `report` and `gate`.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeReportFile(outDir: string, fileName: string, content: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const target = join(outDir, fileName);
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, content, 'utf8');
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return target;
}
