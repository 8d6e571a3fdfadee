export const entities = ["customers", "vehicles"];
//# sourceMappingURL=entity.js.map