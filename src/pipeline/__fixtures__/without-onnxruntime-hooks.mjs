// Module customization hooks (Node's module.register): `onnxruntime-node` and its subpaths
// fail to resolve with ERR_MODULE_NOT_FOUND, exactly as when the package is absent.
const HIDDEN = 'onnxruntime-node';

export async function resolve(specifier, context, nextResolve) {
  if (specifier === HIDDEN || specifier.startsWith(`${HIDDEN}/`)) {
    const e = new Error(`Cannot find package '${HIDDEN}' imported from ${context.parentURL ?? '(entry)'}`);
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return nextResolve(specifier, context);
}
