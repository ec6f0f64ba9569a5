// The app's own function tools: what they are, which ones exist, and how a `function_call` is run.
export { ArithmeticError, evaluateArithmetic, formatArithmeticResult } from "./arithmetic";
export { calculateTool, MAX_EXPRESSION_LENGTH } from "./calculate";
export { currentTimeTool, describeTimeIn } from "./current-time";
export {
  capOutput,
  DEFAULT_MAX_OUTPUT_CHARS,
  DEFAULT_TOOL_TIMEOUT_MS,
  type ExecuteOptions,
  executeFunctionCall,
  type FunctionCall,
  type FunctionCallResult,
} from "./execute";
export {
  createToolRegistry,
  defaultToolRegistry,
  type FunctionToolDefinition,
  TOOL_NAME_PATTERN,
  type ToolRegistry,
} from "./registry";
export { type ClientTool, defineClientTool, type ToolContext } from "./types";
