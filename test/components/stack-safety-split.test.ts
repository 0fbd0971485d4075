import { describeStackSafety } from "./describe-stack-safety";

describeStackSafety("split");
