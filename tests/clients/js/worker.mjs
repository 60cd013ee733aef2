// Camunda's JavaScript external-task client, unchanged, against a live Legato.
// Usage: node worker.mjs <engine-rest-url> <tasks-to-handle>
// Each task's `mode` variable decides: complete, bpmnError or failure; or `file`: download
// the File variable `contract` and complete with a File `receipt` telling its size.
// Exits 0 when done.
import { BasicAuthInterceptor, Client, File, Variables } from "camunda-external-task-client-js";

const [baseUrl, wanted] = process.argv.slice(2);
let handled = 0;
const client = new Client({
  baseUrl,
  interceptors: new BasicAuthInterceptor({ username: "demo", password: "demo" }),
  asyncResponseTimeout: 1000,
  workerId: "js-worker",
});
const timeout = setTimeout(() => {
  console.error(`timed out after ${handled} of ${wanted} tasks`);
  process.exit(2);
}, 30000);

client.subscribe("charge", async ({ task, taskService }) => {
  const mode = task.variables.get("mode");
  if (mode === "complete") {
    const variables = new Variables().set("charged", true);
    await taskService.complete(task, variables);
  } else if (mode === "file") {
    const contract = await task.variables.get("contract").load();
    const receipt = new File({
      typedValue: { valueInfo: { filename: "receipt.txt", mimetype: "text/plain" } },
    });
    receipt.content = Buffer.from(`received ${contract.filename}: ${contract.content.length} bytes`);
    await taskService.complete(task, new Variables().set("receipt", receipt));
  } else if (mode === "error") {
    await taskService.handleBpmnError(task, "E_DECLINED", "card declined");
  } else {
    await taskService.handleFailure(task, {
      errorMessage: "gateway down",
      errorDetails: "stack",
      retries: 0,
      retryTimeout: 0,
    });
  }
  handled += 1;
  console.log(`handled ${task.id} (${mode})`);
  if (handled >= Number(wanted)) {
    clearTimeout(timeout);
    client.stop();
    process.exit(0);
  }
});
