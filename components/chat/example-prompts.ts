/**
 * The empty chat's suggestions, one per kind of run the app is made for. Their wording is chosen so the
 * embedded emulator plays the matching scenario (a test checks it); a real agent simply answers them.
 */
export const EXAMPLE_PROMPTS = [
  { label: "A quick answer", prompt: "What can you do?", scenario: "plain" },
  {
    label: "A data question with tools",
    prompt: "Analyze Q2 sales by region with the Genie space",
    scenario: "multi-step",
  },
  {
    label: "A tool that needs your approval",
    prompt: "Search the web for lakehouse news",
    scenario: "approval",
  },
  { label: "A long run", prompt: "Write a long report on our quarterly sales", scenario: "long" },
] as const;
