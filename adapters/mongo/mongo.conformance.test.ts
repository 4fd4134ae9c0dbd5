import { runConformance } from '../../core/conformance/index.ts';
import { conformanceSetup } from './conformance-setup.ts';

const { name, factory, options } = conformanceSetup();
runConformance(name, factory, options);
