// A module resolve hook for the benchmark only: tfjs-core ships its gradient registrations
// (dist/register_all_gradients.js) as ES modules with extensionless imports, which Node's
// resolver rejects; retry such specifiers as "<name>.js", then "<name>/index.js".
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!specifier.startsWith('.') || specifier.endsWith('.js')) throw e;
    try {
      return await next(`${specifier}.js`, context);
    } catch {
      return next(`${specifier}/index.js`, context);
    }
  }
}
