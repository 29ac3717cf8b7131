// Started as `node --import <this file>`: registers a module resolve hook under which
// `onnxruntime-node` cannot be found, as on a machine where the optional package is not
// installed. Tests use it to reach SileroVADNode's 'missing-runtime' path on a machine that
// has the runtime (the one legitimate way: uninstalling would pull it from under other tests).
import { register } from 'node:module';

register('./without-onnxruntime-hooks.mjs', import.meta.url);
