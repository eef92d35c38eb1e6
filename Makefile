# `sam build` runs these targets (template.yaml: `Metadata: BuildMethod: makefile`), with ARTIFACTS_DIR set to
# the folder SAM packages for the resource. They run our own esbuild build (scripts/build.mts), so what SAM
# deploys is exactly what `npm run build` and the tests produce.
#
# SAM runs make with the resource's CodeUri as the place of the Makefile but, unless --build-in-source, with a
# scratch copy of that folder as the working directory. So every path here starts from the Makefile's own
# folder, never from the working directory.
#
# By hand: make build-ApiFunction ARTIFACTS_DIR=/tmp/task; make build-MiddlewareLayer ARTIFACTS_DIR=/tmp/opt
# METAFILE=path (optional) also writes the function's esbuild metafile there (tests/artifact reads it).

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
# npm puts node_modules/.bin first on the PATH, so the build runs on the pinned Node 24 (the devDependency
# `node`) whatever Node is installed.
BUILD := npm --prefix "$(ROOT)" run --silent build --

.PHONY: build-ApiFunction build-MiddlewareLayer check-artifacts-dir check-install

# The function: dist/function's layout (index.mjs, its chunks and source maps) at the root of the zip, as
# `Handler: index.handler` expects.
build-ApiFunction: check-artifacts-dir check-install
	$(BUILD) function --out-function "$(ARTIFACTS_DIR)" $(if $(METAFILE),--metafile "$(METAFILE)")

# The layer: SAM leaves the layout to us; Lambda adds /opt/nodejs/node_modules to NODE_PATH, so the packages
# go under $(ARTIFACTS_DIR)/nodejs/node_modules/.
build-MiddlewareLayer: check-artifacts-dir check-install
	$(BUILD) layer --out-layer "$(ARTIFACTS_DIR)"

check-artifacts-dir:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it; by hand: make $(MAKECMDGOALS) ARTIFACTS_DIR=/some/empty/dir)" >&2; exit 2; }

check-install:
	@test -x "$(ROOT)/node_modules/.bin/esbuild" || { echo "dependencies are not installed: run npm ci in $(ROOT) first" >&2; exit 2; }
