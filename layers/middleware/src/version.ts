import packageJson from '../package.json';

/**
 * The version of this package, as built. The function compares its major with the major it was built
 * against at cold start, so a mismatched layer fails init instead of failing requests.
 *
 * @example
 * ```ts
 * if (middlewareVersion.split('.')[0] !== '1') throw new Error('wrong layer');
 * ```
 */
export const middlewareVersion: string = packageJson.version;
