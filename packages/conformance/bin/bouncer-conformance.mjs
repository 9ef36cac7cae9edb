#!/usr/bin/env node
// Installed entry point of the conformance kit: runs the built CLI.
import '../dist/cli.js';
