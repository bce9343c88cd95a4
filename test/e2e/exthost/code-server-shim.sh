#!/bin/sh
# Stands in for the VS Code executable that @vscode/test-electron's runTests() starts: it takes
# the same arguments (--extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=,
# --extensions-dir=, the folder to open) and runs the tests in code-server's extension host.
# The exit code is the tests' exit code.
here=$(cd "$(dirname "$0")" && pwd)
exec node --enable-source-maps "$here/../.out/build/exthost-code-server.js" "$@"
