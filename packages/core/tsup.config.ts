import { definePackage } from '../../tsup.base';

export default definePackage(['src/index.ts', 'src/adapter.ts', 'src/address.ts', 'src/audit/index.ts']);
