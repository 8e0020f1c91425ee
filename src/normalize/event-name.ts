/** `UpdateFunctionCode20150331v2` → `UpdateFunctionCode` (CLOUDTRAIL.md §3). */
const VERSIONED_NAME = /^([A-Za-z]+?)[0-9][0-9v_]*$/;

export function baseEventName(eventName: string): string {
  const match = VERSIONED_NAME.exec(eventName);
  return match ? match[1]! : eventName;
}
