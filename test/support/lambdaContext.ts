export { lambdaContext } from '../../devtools/local/runtime/lambdaContext';
