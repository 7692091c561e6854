import type { Handler } from "./types.js";
import { notYet } from "./unbuilt.js";

const op = (name: string): Handler => notYet(name);
export const jobHandlers = {
  InitiateJob: op("InitiateJob"),
  DescribeJob: op("DescribeJob"),
  ListJobs: op("ListJobs"),
  GetJobOutput: op("GetJobOutput"),
};
