/**
 * Jest setup for the projects that start real servers and processes (apps, db). jest-circus applies only the
 * global `testTimeout`, never a project's own, so a project-level `testTimeout: 30_000` silently left these
 * suites on the 5 s default; on a loaded 2-core machine a server start alone can take longer. A hang still
 * fails, after 30 s.
 */
jest.setTimeout(30_000);
