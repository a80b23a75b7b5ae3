// Assembles models/kernels/attention.wat into models/kernels/attention-wasm.ts (the module's bytes
// in base64), so the page and Node load the kernel without a build step or a fetch.
// tests/attention-kernel.test.ts fails when the committed bytes differ from the source's.
//
//   npm run build:kernels
import { readFileSync, writeFileSync } from 'node:fs';
import { assembleKernel, KERNEL_MODULE, KERNEL_SOURCE, kernelModuleText } from './kernel-assembly';

const bytes = await assembleKernel(readFileSync(KERNEL_SOURCE, 'utf8'));
writeFileSync(KERNEL_MODULE, kernelModuleText(bytes));
console.log(`${KERNEL_MODULE}: ${bytes.length} bytes of WebAssembly`);
