/**
 * Block Kit limits as Slack documents them (https://docs.slack.dev/reference/block-kit/blocks).
 * Renderers stay within them; the emulator enforces them independently.
 */
export const blockLimits = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  /** Top-level `text` of a message: Slack truncates beyond 40,000 characters. */
  messageText: 40000,
  confirmTitle: 100,
  confirmText: 300,
} as const;
