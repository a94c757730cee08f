import { createTsupConfig } from "@nuwani/tsup-config";

export default createTsupConfig();
