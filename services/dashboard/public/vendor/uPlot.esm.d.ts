// Types for the chart library the service serves at /dashboard/vendor/uPlot.esm.js (from node_modules/uplot).
import uPlot from 'uplot';
export default uPlot;
