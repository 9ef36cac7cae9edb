// Fixtures shared by the tests of several packages, imported by name (`@bouncer/test-kit`) so that
// no test reaches into another package's sources.
export { ROUTES_POLICY_REPORT, routesPolicy, testPolicy } from './audit-policies';
export { makeCert, type TestCert } from './cert';
