import type { Handler } from "./types.js";
import { notYet } from "./unbuilt.js";

const op = (name: string): Handler => notYet(name);
export const accountHandlers = {
  GetDataRetrievalPolicy: op("GetDataRetrievalPolicy"),
  SetDataRetrievalPolicy: op("SetDataRetrievalPolicy"),
  PurchaseProvisionedCapacity: op("PurchaseProvisionedCapacity"),
  ListProvisionedCapacity: op("ListProvisionedCapacity"),
};
