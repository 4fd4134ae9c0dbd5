// Child process for process-registry.test.ts: owns a server stand-in (a `sleep` in its own process group) that is
// paused, as compare pauses a database while others are measured, then loops the way a run starts one step after
// another, until a signal asks it to stop. Prints the sleep's pid, then how the loop ended.
import { spawn } from 'node:child_process';
import { terminate } from './local/launch.ts';
import { killGroup, registerOwned, RunStopped, throwIfStopRequested } from './process-registry.ts';

const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
const pid = child.pid!;
registerOwned({ pid, dirs: [], stop: async () => void (await terminate(pid, 20_000, child)) });
killGroup(pid, 'SIGSTOP');
console.log(JSON.stringify({ pid }));
try {
  for (;;) {
    throwIfStopRequested();
    await new Promise((r) => setTimeout(r, 20));
  }
} catch (error) {
  console.log(JSON.stringify({ stopped: error instanceof RunStopped ? error.signal : String(error) }));
}
// `late`: a server whose start was under way when the signal came registers now; its stop takes a while (a JVM
// draining), and the exit must wait for it rather than SIGKILL it.
if (process.argv.includes('late')) {
  const late = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  const latePid = late.pid!;
  console.log(JSON.stringify({ latePid }));
  registerOwned({
    pid: latePid,
    dirs: [],
    stop: async () => {
      await new Promise((r) => setTimeout(r, 1_000));
      await terminate(latePid, 20_000, late);
      console.log(JSON.stringify({ lateStopped: late.signalCode }));
    },
  });
}
// The registry exits once the owned process is stopped; keep the event loop alive until it does.
setInterval(() => undefined, 1_000);
