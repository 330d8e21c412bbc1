export default {
  fetch() {
    return new Response("stub");
  },
};
export class ProjectRegistry {}
