/** The Python the tests run rollcall's Python package with (the worker tests' interpreter). */
export const TEST_PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
