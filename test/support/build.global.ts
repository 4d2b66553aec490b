/**
 * vitest global setup: builds dist/ResyncGlb (esbuild, about a second) before any test, so a fresh clone and
 * every edit to src/ are tested against current code: the integration tests and the lab DXA run the bundle.
 */
export default async function setup(): Promise<void> {
  const { buildModule } = await import('../../build.mjs');
  await buildModule({ quiet: true });
}
