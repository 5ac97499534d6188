/** Where readers find every read model: one view per table, over the active generation's table. */
export const READ_MODELS_SCHEMA = 'read_models';
