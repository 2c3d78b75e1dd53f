// Progressive enhancement only: every page works without it. GOV.UK Frontend starts its
// components (error summary focus, double-click prevention...) only where the body says so.
import { initAll } from "./govuk/govuk-frontend.min.js";
document.body.classList.add("govuk-frontend-supported");
initAll();
