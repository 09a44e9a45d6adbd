export { lambdaContext } from '../../lib/local/runtime/lambdaContext';
