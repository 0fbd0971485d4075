import { describeContainers } from "./describe-containers";

describeContainers("single");
