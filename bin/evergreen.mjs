#!/usr/bin/env node
// The `evergreen` command's entry point of earlier versions, kept for scripts that name it: runs
// bin/evergreen.cjs (the command itself; package.json's `bin` names that one, which Node starts
// faster).
import './evergreen.cjs';
