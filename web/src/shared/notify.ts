// A handle on antd's message / notification that code outside components (the query
// client's error hooks) can use; set once by <NotifyBridge/> inside antd's <App>.
import type { MessageInstance } from 'antd/es/message/interface';
import type { NotificationInstance } from 'antd/es/notification/interface';

let msg: MessageInstance | null = null;
let ntf: NotificationInstance | null = null;

export function setNotifyHandles(m: MessageInstance, n: NotificationInstance) {
  msg = m;
  ntf = n;
}

export const notify = {
  error(text: string) {
    if (msg) void msg.error(text, 5);
    else console.error(text);
  },
  success(text: string) {
    if (msg) void msg.success(text);
  },
  info(text: string) {
    if (msg) void msg.info(text);
  },
  notice(title: string, description: string) {
    ntf?.info({ title, description, duration: 8 });
  },
};
