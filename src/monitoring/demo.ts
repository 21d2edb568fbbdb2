export async function loadMonitoringDemo(): Promise<void> {}
