import { describeContainers } from "./describe-containers";

describeContainers("split");
