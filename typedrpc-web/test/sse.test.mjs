// Every call kind and feature over Server-Sent Events + POST.
import { transportSuite } from "./helpers.mjs";

transportSuite("sse", "sse");
