import type { Notice, NoticeLevel } from "../components/Notices.svelte";

/** A short list of notices; the same text is not shown twice. */
export class NoticeList {
  items = $state<Notice[]>([]);
  private next = 1;

  push(level: NoticeLevel, text: string): void {
    if (this.items.some((n) => n.text === text)) return;
    this.items = [...this.items.slice(-3), { id: this.next++, level, text }];
  }

  dismiss = (id: number): void => {
    this.items = this.items.filter((n) => n.id !== id);
  };

  clear(): void {
    this.items = [];
  }
}
