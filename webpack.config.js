// Bundles the extension, and the processes of their own: the debug adapter (DAP over stdio), the
// console helper, and the Kconfig language server.
'use strict';
const path = require('path');

/** @type {import('webpack').Configuration} */
const base = {
  target: 'node',
  mode: 'none',
  resolve: { extensions: ['.ts', '.js'] },
  // vscode-languageserver-types' UMD wrapper calls require() dynamically; harmless in a bundle.
  ignoreWarnings: [{ module: /vscode-languageserver-types/ }],
  module: { rules: [{ test: /\.ts$/, exclude: /node_modules/, use: [{ loader: 'ts-loader', options: { configFile: 'tsconfig.json', onlyCompileBundledFiles: true } }] }] },
  devtool: 'nosources-source-map',
  node: { __dirname: false },  // the real dist/ folder: the console helper lives there
  infrastructureLogging: { level: 'log' },
};

module.exports = [
  {
    ...base,
    entry: { extension: './src/extension.ts' },
    output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', libraryTarget: 'commonjs2' },
    externals: { vscode: 'commonjs vscode' },
  },
  {
    ...base,
    entry: { debugAdapter: './src/debugAdapter.ts', consoleTty: './src/targets/consoleTty.ts', kconfigServer: './src/kconfigServer.ts', buildIfChanged: './src/tasks/buildIfChanged.ts' },
    output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', libraryTarget: 'commonjs2' },
  },
];
