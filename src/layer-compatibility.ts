/** Thrown at cold start when the deployed layer is not the major version the function was built against. */
export class LayerVersionMismatchError extends Error {
  constructor(builtAgainst: string, loaded: string) {
    super(
      `@lambdalith/middleware layer ${loaded} is attached, but this function was built against ${builtAgainst}. ` +
        'Deploy the function and its layer from the same build (sam build && sam deploy).',
    );
    this.name = 'LayerVersionMismatchError';
  }
}

/** Fails init when the layer's major version differs from the one the bundle was built against. */
export function assertCompatibleLayer(builtAgainst: string, loaded: string): void {
  if (majorOf(builtAgainst) !== majorOf(loaded)) throw new LayerVersionMismatchError(builtAgainst, loaded);
}

function majorOf(version: string): string {
  return version.split('.')[0] ?? version;
}
