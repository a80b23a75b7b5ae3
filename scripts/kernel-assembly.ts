// The text-to-binary step behind `npm run build:kernels`, shared with the test that keeps the
// committed bytes in step with their source.
import wabt from 'wabt';

export const KERNEL_SOURCE = 'models/kernels/attention.wat';
export const KERNEL_MODULE = 'models/kernels/attention-wasm.ts';

export async function assembleKernel(wat: string): Promise<Uint8Array> {
  const module = (await wabt()).parseWat(KERNEL_SOURCE, wat, { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

export function kernelModuleText(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString('base64');
  return `// Generated from attention.wat by \`npm run build:kernels\`; do not edit.\nexport const ATTENTION_WASM_BASE64 =\n  '${base64}';\n`;
}
