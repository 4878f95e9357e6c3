/**
 * Imported first by the entry scripts (offline preview, dev runner): on a Node outside package.json's engines
 * they stop here with what to do, instead of failing later on something Node 20 lacks.
 */
import { requireSupportedNode } from "./node-version";

requireSupportedNode();
