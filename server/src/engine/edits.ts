// What changed between two versions of a text, as one window: [start, oldEnd) of the old text
// became [start, newEnd) of the new one. Several edits compose into the window that covers
// them all, so the analyzer can re-check just that region.

export interface ChangeWindow {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** The window of `second` applied after `first`, in the coordinates of the text before `first`. */
export function composeWindows(first: ChangeWindow, second: ChangeWindow): ChangeWindow {
  // Map a position of the middle text back to the first text: inside the first window's new
  // text, take the window's edge on that side.
  const back = (p: number, edge: 'start' | 'end'): number =>
    p <= first.start ? p : p >= first.newEnd ? p - first.newEnd + first.oldEnd : edge === 'start' ? first.start : first.oldEnd;
  // Map a position of the middle text forward to the final text.
  const forward = (p: number): number => (p <= second.start ? p : p >= second.oldEnd ? p - second.oldEnd + second.newEnd : second.newEnd);
  const start = Math.min(first.start, back(second.start, 'start'));
  const oldEnd = Math.max(first.oldEnd, back(second.oldEnd, 'end'));
  const newEnd = Math.max(forward(first.newEnd), second.newEnd);
  return { start, oldEnd, newEnd };
}
